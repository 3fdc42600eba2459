//! A package folder loaded into memory: manifest, statement and samples.

use std::fmt;
use std::path::{Path, PathBuf};

use cohack_runtime::File;
use serde::{Deserialize, Serialize};

use crate::manifest::{MANIFEST_FILE, STATEMENT_FILE};
use crate::sample_network::EXCHANGES_FILE;
use crate::{Manifest, PackageError, SampleNetwork};

/// The team id samples run as unless their `sample.toml` says otherwise.
pub const DEFAULT_TEAM: &str = "sample-team";
/// The sample's short answer: read into [`Sample::answer`], not submitted as a file.
const ANSWER_FILE: &str = "answer.txt";
/// The sample's settings: not submitted as a file.
const SAMPLE_FILE: &str = "sample.toml";
const SAMPLES_DIR: &str = "samples";

/// Whether a sample must pass or fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// Under `samples/pass/`.
    Pass,
    /// Under `samples/fail/`.
    Fail,
}

impl Expect {
    /// `"pass"` or `"fail"`, as in the folder name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
        }
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One sample submission and what the validator must say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// `pass/NAME` or `fail/NAME`.
    pub name: String,
    /// Pass or fail.
    pub expect: Expect,
    /// The submitted files, paths relative to the sample folder with `/` separators, sorted.
    pub files: Vec<File>,
    /// The short answer (`answer.txt` with one trailing newline removed), or empty.
    pub answer: String,
    /// The exact score the verdict must have (`score = N` in `sample.toml`).
    pub expected_score: Option<u32>,
    /// The team id to submit as (`team = "…"`, default [`DEFAULT_TEAM`]).
    pub team: String,
    /// `exchanges.json`: the endpoints the run sees and the recording it replays (a
    /// challenge with a `[network]` section only).
    pub network: Option<SampleNetwork>,
}

/// `sample.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SampleSettings {
    score: Option<u32>,
    team: Option<String>,
}

/// Bounds on samples: they are stored with every validator version and re-run before it goes
/// live, so they stay small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleLimits {
    /// Samples per package.
    pub max_samples: usize,
    /// Files per sample.
    pub max_files: usize,
    /// Bytes per sample (answer and files).
    pub max_sample_bytes: usize,
    /// Bytes of a sample's `exchanges.json` (measured as compact JSON), besides its files.
    pub max_exchanges_bytes: usize,
}

impl Default for SampleLimits {
    fn default() -> Self {
        Self {
            max_samples: 64,
            max_files: 64,
            max_sample_bytes: 2 << 20,
            max_exchanges_bytes: 4 << 20,
        }
    }
}

/// A loaded package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The folder it was loaded from (`None` for an upload).
    pub dir: Option<PathBuf>,
    /// `challenge.toml`.
    pub manifest: Manifest,
    /// `README.md`, the statement.
    pub statement: String,
    /// Every sample, sorted by name (passes first).
    pub samples: Vec<Sample>,
    /// The text (Markdown) of each of the manifest's `[[hints]]`, in the manifest's order.
    pub hints: Vec<String>,
    /// `coach.md`, the coach's guide (Markdown: the expected approach, common mistakes, the
    /// shape of a solution, how long teams usually take), if the package has one. The server
    /// shows it to the event's coaches and organizers only, never to a participant.
    pub coach_guide: Option<String>,
}

/// The largest hint text, in bytes.
pub const MAX_HINT_BYTES: usize = 64 << 10;
/// The optional coach's guide of a package.
pub const COACH_GUIDE_FILE: &str = "coach.md";
/// The largest coach's guide, in bytes.
pub const MAX_COACH_GUIDE_BYTES: usize = 64 << 10;

impl Package {
    /// Reads a package folder with the default [`SampleLimits`].
    pub fn load(dir: &Path) -> Result<Self, PackageError> {
        Self::load_with_limits(dir, &SampleLimits::default())
    }

    /// Reads a package folder. Refuses samples above `limits`, files that are not regular
    /// files or folders, and paths (symbolic links) that lead outside the package.
    pub fn load_with_limits(dir: &Path, limits: &SampleLimits) -> Result<Self, PackageError> {
        let manifest = Manifest::load(dir)?;
        let statement_path = dir.join(STATEMENT_FILE);
        let statement = std::fs::read_to_string(&statement_path)
            .map_err(|e| PackageError::io(&statement_path, e))?;
        if statement.trim().is_empty() {
            return Err(PackageError::invalid(
                statement_path,
                "the statement is empty: tell teams what to submit and how it is judged",
            ));
        }
        let root = dir.canonicalize().map_err(|e| PackageError::io(dir, e))?;
        let hints = manifest
            .hints
            .iter()
            .map(|hint| load_hint(&root, &dir.join(&hint.file)))
            .collect::<Result<Vec<_>, _>>()?;
        let coach_guide = load_coach_guide(&root, &dir.join(COACH_GUIDE_FILE))?;
        let mut samples = Vec::new();
        for expect in [Expect::Pass, Expect::Fail] {
            let group = dir.join(SAMPLES_DIR).join(expect.as_str());
            if !group.exists() {
                continue;
            }
            for entry in sorted_entries(&group)? {
                if !entry.is_dir() {
                    return Err(PackageError::invalid(
                        &entry,
                        "samples must be folders, one per submission",
                    ));
                }
                samples.push(load_sample(&root, &entry, expect, limits)?);
            }
        }
        if samples.len() > limits.max_samples {
            return Err(PackageError::invalid(
                dir.join(SAMPLES_DIR),
                format!(
                    "{} samples, the limit is {}",
                    samples.len(),
                    limits.max_samples
                ),
            ));
        }
        let package = Self {
            dir: Some(dir.to_path_buf()),
            manifest,
            statement,
            samples,
            hints,
            coach_guide,
        };
        // The same rules as an upload; their paths are relative to the package, so anchor them.
        package.validate(limits).map_err(|e| match e {
            PackageError::Invalid { path, message } => {
                PackageError::invalid(dir.join(path), message)
            }
            other => other,
        })?;
        Ok(package)
    }

    /// Checks the rules a package must meet whatever its origin: valid manifest, a
    /// statement, sample names and paths, limits, expected scores within the points, and
    /// recordings (`exchanges.json`) that fit the manifest's `[network]`.
    pub fn validate(&self, limits: &SampleLimits) -> Result<(), PackageError> {
        self.manifest.validate(Path::new(MANIFEST_FILE))?;
        if self.statement.trim().is_empty() {
            return Err(PackageError::invalid(
                STATEMENT_FILE,
                "the statement is empty",
            ));
        }
        if self.samples.len() > limits.max_samples {
            return Err(PackageError::invalid(
                SAMPLES_DIR,
                format!(
                    "{} samples, the limit is {}",
                    self.samples.len(),
                    limits.max_samples
                ),
            ));
        }
        for sample in &self.samples {
            sample.validate(&self.manifest, limits)?;
        }
        self.validate_hints()?;
        if let Some(guide) = &self.coach_guide {
            check_coach_guide(guide).map_err(|m| PackageError::invalid(COACH_GUIDE_FILE, m))?;
        }
        Ok(())
    }

    /// One text per `[[hints]]` entry, each non-empty and at most [`MAX_HINT_BYTES`].
    fn validate_hints(&self) -> Result<(), PackageError> {
        let declared = self.manifest.hints.len();
        if self.hints.len() != declared {
            return Err(PackageError::invalid(
                MANIFEST_FILE,
                format!(
                    "field `hints`: {declared} hints declared, {} hint texts given",
                    self.hints.len()
                ),
            ));
        }
        for (hint, text) in self.manifest.hints.iter().zip(&self.hints) {
            check_hint_text(text).map_err(|m| PackageError::invalid(&hint.file, m))?;
        }
        Ok(())
    }

    /// The samples that must pass and must fail, as counts.
    pub fn sample_counts(&self) -> (usize, usize) {
        let pass = self
            .samples
            .iter()
            .filter(|s| s.expect == Expect::Pass)
            .count();
        (pass, self.samples.len() - pass)
    }
}

impl Sample {
    /// The submission this sample makes for the challenge `slug`.
    pub fn submission(&self, slug: &str) -> cohack_runtime::Submission {
        cohack_runtime::Submission {
            challenge: slug.to_owned(),
            team: self.team.clone(),
            answer: self.answer.clone(),
            files: self.files.clone(),
        }
    }

    /// Total bytes: answer plus file contents.
    pub fn size_bytes(&self) -> usize {
        self.answer.len()
            + self
                .files
                .iter()
                .map(|f| f.path.len() + f.content.len())
                .sum::<usize>()
    }

    fn validate(&self, manifest: &Manifest, limits: &SampleLimits) -> Result<(), PackageError> {
        let points = manifest.points;
        let at = || PathBuf::from(SAMPLES_DIR).join(&self.name);
        let Some((group, name)) = self.name.split_once('/') else {
            return Err(PackageError::invalid(
                at(),
                "a sample name is `pass/NAME` or `fail/NAME`",
            ));
        };
        if group != self.expect.as_str()
            || name.is_empty()
            || name.contains('/')
            || name.starts_with('.')
        {
            return Err(PackageError::invalid(
                at(),
                "a sample name is `pass/NAME` or `fail/NAME`",
            ));
        }
        if self.team.trim().is_empty() || self.team.len() > 128 {
            return Err(PackageError::invalid(
                at().join(SAMPLE_FILE),
                "field `team`: must be 1 to 128 characters",
            ));
        }
        if let Some(score) = self.expected_score
            && score > points
        {
            return Err(PackageError::invalid(
                at().join(SAMPLE_FILE),
                format!("field `score`: {score} is above the challenge's {points} points"),
            ));
        }
        if self.files.len() > limits.max_files {
            return Err(PackageError::invalid(
                at(),
                format!(
                    "{} files, the limit is {}",
                    self.files.len(),
                    limits.max_files
                ),
            ));
        }
        if self.size_bytes() > limits.max_sample_bytes {
            return Err(PackageError::invalid(
                at(),
                format!(
                    "{} bytes, the limit is {} bytes",
                    self.size_bytes(),
                    limits.max_sample_bytes
                ),
            ));
        }
        for file in &self.files {
            if !crate::manifest::is_relative_inside(&file.path) || file.path.starts_with("./") {
                return Err(PackageError::invalid(
                    at(),
                    format!(
                        "file path `{}` must be relative and stay inside the sample",
                        file.path
                    ),
                ));
            }
            if [ANSWER_FILE, SAMPLE_FILE, EXCHANGES_FILE].contains(&file.path.as_str()) {
                return Err(PackageError::invalid(
                    at(),
                    format!("`{}` is reserved and cannot be a submitted file", file.path),
                ));
            }
        }
        if let Some(network) = &self.network {
            network.validate(
                manifest,
                limits.max_exchanges_bytes,
                &at().join(EXCHANGES_FILE),
            )?;
        }
        Ok(())
    }
}

/// A hint's text: not blank, no NUL, at most [`MAX_HINT_BYTES`].
fn check_hint_text(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        Err("the hint is empty: write what a stuck team should read".to_owned())
    } else if text.contains('\0') {
        Err("the hint must be text (it contains a NUL character)".to_owned())
    } else if text.len() > MAX_HINT_BYTES {
        Err(format!(
            "{} bytes, the limit for a hint is {MAX_HINT_BYTES} bytes",
            text.len()
        ))
    } else {
        Ok(())
    }
}

/// Reads a hint's Markdown file, which must stay inside the package (`root`, canonical).
fn load_hint(root: &Path, path: &Path) -> Result<String, PackageError> {
    let real = path.canonicalize().map_err(|e| PackageError::io(path, e))?;
    if !real.starts_with(root) {
        return Err(PackageError::invalid(
            path,
            "leads outside the package (a symbolic link?): hints must be in the package",
        ));
    }
    if !real.is_file() {
        return Err(PackageError::invalid(path, "a hint must be a file"));
    }
    let size = real
        .metadata()
        .map_err(|e| PackageError::io(path, e))?
        .len();
    if size > MAX_HINT_BYTES as u64 {
        return Err(PackageError::invalid(
            path,
            format!("{size} bytes, the limit for a hint is {MAX_HINT_BYTES} bytes"),
        ));
    }
    let content = std::fs::read(&real).map_err(|e| PackageError::io(path, e))?;
    String::from_utf8(content)
        .map_err(|_| PackageError::invalid(path, "a hint must be UTF-8 text (Markdown)"))
}

fn check_coach_guide(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        Err(
            "the coach's guide is empty: write the expected approach, or remove the file"
                .to_owned(),
        )
    } else if text.contains('\0') {
        Err("the coach's guide must be text (it contains a NUL character)".to_owned())
    } else if text.len() > MAX_COACH_GUIDE_BYTES {
        Err(format!(
            "{} bytes, the limit for the coach's guide is {MAX_COACH_GUIDE_BYTES} bytes",
            text.len()
        ))
    } else {
        Ok(())
    }
}

/// Reads `coach.md` when the package has one; like a hint, it must stay inside the package
/// (`root`, canonical) and be UTF-8.
fn load_coach_guide(root: &Path, path: &Path) -> Result<Option<String>, PackageError> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    let real = path.canonicalize().map_err(|e| PackageError::io(path, e))?;
    if !real.starts_with(root) {
        return Err(PackageError::invalid(
            path,
            "leads outside the package (a symbolic link?): the coach's guide must be in the package",
        ));
    }
    if !real.is_file() {
        return Err(PackageError::invalid(
            path,
            "the coach's guide must be a file",
        ));
    }
    let size = real
        .metadata()
        .map_err(|e| PackageError::io(path, e))?
        .len();
    if size > MAX_COACH_GUIDE_BYTES as u64 {
        return Err(PackageError::invalid(
            path,
            format!(
                "{size} bytes, the limit for the coach's guide is {MAX_COACH_GUIDE_BYTES} bytes"
            ),
        ));
    }
    let content = std::fs::read(&real).map_err(|e| PackageError::io(path, e))?;
    String::from_utf8(content)
        .map(Some)
        .map_err(|_| PackageError::invalid(path, "the coach's guide must be UTF-8 text (Markdown)"))
}

/// The entries of `dir`, sorted, hidden ones (`.DS_Store`, `.gitkeep`) skipped.
fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, PackageError> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| PackageError::io(dir, e))? {
        let entry = entry.map_err(|e| PackageError::io(dir, e))?;
        if !entry.file_name().to_string_lossy().starts_with('.') {
            entries.push(entry.path());
        }
    }
    entries.sort();
    Ok(entries)
}

fn load_sample(
    root: &Path,
    dir: &Path,
    expect: Expect,
    limits: &SampleLimits,
) -> Result<Sample, PackageError> {
    let folder = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = format!("{}/{folder}", expect.as_str());
    let mut answer = String::new();
    let mut settings = SampleSettings::default();
    let mut network = None;
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for path in sorted_entries(&current)? {
            let real = path
                .canonicalize()
                .map_err(|e| PackageError::io(&path, e))?;
            if !real.starts_with(root) {
                return Err(PackageError::invalid(
                    &path,
                    "leads outside the package (a symbolic link?): samples must be self-contained",
                ));
            }
            let relative = path
                .strip_prefix(dir)
                .map(|p| {
                    p.components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .unwrap_or_default();
            if real.is_dir() {
                pending.push(path);
                continue;
            }
            if !real.is_file() {
                return Err(PackageError::invalid(
                    &path,
                    "is neither a file nor a folder",
                ));
            }
            let size = real
                .metadata()
                .map_err(|e| PackageError::io(&path, e))?
                .len();
            let (limit, what) = if relative == EXCHANGES_FILE {
                (limits.max_exchanges_bytes, "a sample's recording")
            } else {
                (limits.max_sample_bytes, "a sample")
            };
            if size > limit as u64 {
                return Err(PackageError::invalid(
                    &path,
                    format!("{size} bytes, the limit for {what} is {limit} bytes"),
                ));
            }
            let content = std::fs::read(&path).map_err(|e| PackageError::io(&path, e))?;
            match relative.as_str() {
                ANSWER_FILE => {
                    let text = String::from_utf8(content).map_err(|_| {
                        PackageError::invalid(&path, "the short answer must be UTF-8 text")
                    })?;
                    answer = text
                        .strip_suffix('\n')
                        .map(|t| t.strip_suffix('\r').unwrap_or(t))
                        .unwrap_or(&text)
                        .to_owned();
                }
                SAMPLE_FILE => {
                    let text = String::from_utf8_lossy(&content);
                    settings = toml::from_str(&text).map_err(|e| {
                        PackageError::invalid(&path, e.to_string().trim_end().to_owned())
                    })?;
                }
                EXCHANGES_FILE => network = Some(SampleNetwork::parse(&content, &path)?),
                _ => files.push(File {
                    path: relative,
                    content,
                }),
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let sample = Sample {
        name,
        expect,
        files,
        answer,
        expected_score: settings.score,
        team: settings.team.unwrap_or_else(|| DEFAULT_TEAM.to_owned()),
        network,
    };
    Ok(sample)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str =
        "slug = \"ship-it\"\ntitle = \"Ship it\"\npoints = 200\nsummary = \"One line.\"\n";
    const NETWORK: &str = "[network]\nteam_endpoints = [\"api\"]\n";
    const RECORDING: &str = r#"{"endpoints": {"api": "https://ship-it.example/"},
        "exchanges": [{"method": "GET", "url": "https://ship-it.example/health",
                       "outcome": {"response": {"status": 200}}, "duration_ms": 38}]}"#;

    /// A package folder whose one sample, `pass/up`, has `exchanges` as its recording.
    fn package_with(manifest: &str, exchanges: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST_FILE), manifest).unwrap();
        std::fs::write(dir.path().join(STATEMENT_FILE), "# Ship it\n").unwrap();
        let sample = dir.path().join("samples/pass/up");
        std::fs::create_dir_all(&sample).unwrap();
        std::fs::write(sample.join("notes.txt"), "deployed").unwrap();
        std::fs::write(sample.join(EXCHANGES_FILE), exchanges).unwrap();
        dir
    }

    fn load_error(manifest: &str, exchanges: &str, limits: &SampleLimits) -> String {
        let dir = package_with(manifest, exchanges);
        let error = Package::load_with_limits(dir.path(), limits)
            .unwrap_err()
            .to_string();
        let file = dir.path().join("samples/pass/up").join(EXCHANGES_FILE);
        assert!(
            error.starts_with(&format!("{}: ", file.display())),
            "the error names the file: {error}"
        );
        error
    }

    #[test]
    fn a_sample_reads_its_recording_apart_from_its_files() {
        let dir = package_with(&format!("{MANIFEST}{NETWORK}"), RECORDING);
        let package = Package::load(dir.path()).unwrap();
        let sample = &package.samples[0];
        let paths: Vec<&str> = sample.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["notes.txt"], "exchanges.json is not submitted");
        let network = sample.network.as_ref().unwrap();
        assert_eq!(network.endpoints[0].name, "api");
        assert_eq!(network.exchanges.len(), 1);

        std::fs::remove_file(dir.path().join("samples/pass/up").join(EXCHANGES_FILE)).unwrap();
        let package = Package::load(dir.path()).unwrap();
        assert_eq!(package.samples[0].network, None);
    }

    #[test]
    fn bad_recordings_are_refused_with_the_file_and_the_reason() {
        let limits = SampleLimits::default();
        let network = format!("{MANIFEST}{NETWORK}");
        let bad_json = load_error(&network, "{\"endpoints\": ", &limits);
        assert!(bad_json.contains("EOF while parsing"), "{bad_json}");
        let undeclared = load_error(&network, &RECORDING.replace("\"api\"", "\"web\""), &limits);
        assert!(
            undeclared.contains("endpoint `web` is not one of the manifest's `team_endpoints`"),
            "{undeclared}"
        );
        let no_network = load_error(MANIFEST, RECORDING, &limits);
        assert!(
            no_network.contains("the challenge has no [network] section"),
            "{no_network}"
        );
        let bad_url = load_error(
            &network,
            &RECORDING.replace("https://ship-it.example/\"}", "ship-it.example\"}"),
            &limits,
        );
        assert!(
            bad_url.contains("endpoint `api`: `ship-it.example` is not an absolute URL"),
            "{bad_url}"
        );
        let small = SampleLimits {
            max_exchanges_bytes: 100,
            ..SampleLimits::default()
        };
        let too_large = load_error(&network, RECORDING, &small);
        assert!(
            too_large.contains(&format!(
                "{} bytes, the limit for a sample's recording is 100 bytes",
                RECORDING.len()
            )),
            "{too_large}"
        );
    }

    #[test]
    fn a_recording_does_not_count_against_the_sample_size() {
        let big = format!(
            "{{\"endpoints\": {{\"api\": \"https://ship-it.example/\"}}, \"exchanges\": [{{\"method\": \"GET\", \"url\": \"https://ship-it.example/\", \"outcome\": {{\"response\": {{\"status\": 200, \"body\": {{\"text\": \"{}\"}}}}}}}}]}}",
            "x".repeat(3 << 20)
        );
        let dir = package_with(&format!("{MANIFEST}{NETWORK}"), &big);
        let package = Package::load(dir.path()).unwrap();
        assert!(package.samples[0].size_bytes() < 100);
    }

    const HINTS: &str = "[[hints]]\ntitle = \"Look\"\ncost = 20\nfile = \"hints/look.md\"\n\
                         [[hints]]\ntitle = \"Free\"\ncost = 0\nfile = \"free.md\"\n";

    /// A package folder with two hints, their files written as given (`None`: left out).
    fn package_with_hints(look: Option<&[u8]>, free: Option<&[u8]>) -> tempfile::TempDir {
        let dir = package_with(&format!("{MANIFEST}{NETWORK}{HINTS}"), RECORDING);
        std::fs::create_dir_all(dir.path().join("hints")).unwrap();
        if let Some(look) = look {
            std::fs::write(dir.path().join("hints/look.md"), look).unwrap();
        }
        if let Some(free) = free {
            std::fs::write(dir.path().join("free.md"), free).unwrap();
        }
        dir
    }

    #[test]
    fn hints_are_read_in_the_manifests_order() {
        let dir = package_with_hints(Some(b"Look **here**.\n"), Some(b"It is free."));
        let package = Package::load(dir.path()).unwrap();
        assert_eq!(package.hints, ["Look **here**.\n", "It is free."]);
        let dir = package_with(&format!("{MANIFEST}{NETWORK}"), RECORDING);
        assert!(Package::load(dir.path()).unwrap().hints.is_empty());
    }

    #[test]
    fn bad_hint_files_are_refused_with_the_file() {
        let error = |dir: tempfile::TempDir, file: &str| {
            let error = Package::load(dir.path()).unwrap_err().to_string();
            let path = dir.path().join(file);
            assert!(
                error.starts_with(&format!("{}: ", path.display())),
                "names {file}: {error}"
            );
            error
        };
        let missing = error(package_with_hints(Some(b"x"), None), "free.md");
        assert!(missing.contains("No such file"), "{missing}");
        let empty = error(
            package_with_hints(Some(b" \n"), Some(b"x")),
            "hints/look.md",
        );
        assert!(empty.contains("the hint is empty"), "{empty}");
        let binary = error(
            package_with_hints(Some(&[0xff, 0xfe]), Some(b"x")),
            "hints/look.md",
        );
        assert!(binary.contains("must be UTF-8 text"), "{binary}");
        let nul = error(
            package_with_hints(Some(b"a\0b"), Some(b"x")),
            "hints/look.md",
        );
        assert!(nul.contains("NUL"), "{nul}");
        let big = vec![b'x'; MAX_HINT_BYTES + 1];
        let large = error(package_with_hints(Some(&big), Some(b"x")), "hints/look.md");
        assert!(
            large.contains("65537 bytes, the limit for a hint is 65536 bytes"),
            "{large}"
        );
        let exact = vec![b'x'; MAX_HINT_BYTES];
        Package::load(package_with_hints(Some(&exact), Some(b"x")).path()).unwrap();

        let folder = package_with_hints(Some(b"x"), None);
        std::fs::create_dir(folder.path().join("free.md")).unwrap();
        let not_a_file = error(folder, "free.md");
        assert!(not_a_file.contains("a hint must be a file"), "{not_a_file}");

        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            std::fs::write(outside.path().join("secret.md"), "secret").unwrap();
            let dir = package_with_hints(Some(b"x"), None);
            std::os::unix::fs::symlink(
                outside.path().join("secret.md"),
                dir.path().join("free.md"),
            )
            .unwrap();
            let escape = error(dir, "free.md");
            assert!(escape.contains("leads outside the package"), "{escape}");
        }
    }
}
