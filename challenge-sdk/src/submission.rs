//! Reading a submission: its short answer, its files by path, and the team's endpoints, with
//! errors for the team.

use crate::{Endpoint, Error, File, Result, Submission};

impl Submission {
    /// A submission built in code, for tests: `Submission::new("my-challenge", "team-1")
    /// .with_answer("42").with_file("out.csv", "a,b\n")`.
    pub fn new(challenge: impl Into<String>, team: impl Into<String>) -> Self {
        Self {
            challenge: challenge.into(),
            team: team.into(),
            answer: String::new(),
            files: Vec::new(),
            endpoints: Vec::new(),
        }
    }

    /// Sets the short answer.
    #[must_use]
    pub fn with_answer(mut self, answer: impl Into<String>) -> Self {
        self.answer = answer.into();
        self
    }

    /// Adds a file.
    #[must_use]
    pub fn with_file(mut self, path: impl Into<String>, content: impl Into<Vec<u8>>) -> Self {
        self.files.push(File::new(path, content));
        self
    }

    /// Adds an endpoint, as if the team had set `name` to `url`.
    #[must_use]
    pub fn with_endpoint(mut self, name: impl Into<String>, url: impl Into<String>) -> Self {
        self.endpoints.push(Endpoint {
            name: name.into(),
            url: url.into(),
        });
        self
    }

    /// The URL the team set for its endpoint `name` (one of the manifest's `[network]
    /// team_endpoints`), or an error telling the team to set it.
    ///
    /// The server asks a team for its endpoints before it may submit, so the error is
    /// rare: it covers a rejudge after the manifest gained an endpoint, say.
    pub fn endpoint(&self, name: &str) -> Result<&str> {
        self.endpoints
            .iter()
            .find(|e| e.name == name && !e.url.trim().is_empty())
            .map(|e| e.url.trim())
            .ok_or_else(|| {
                Error::new(format!(
                    "Set your team's endpoint `{name}` in the workspace's Endpoints panel, then \
                     submit again."
                ))
            })
    }

    /// The endpoints the team set for this challenge, in the manifest's order.
    pub fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }

    /// The short answer with surrounding whitespace removed (the raw text is the `answer`
    /// field).
    pub fn answer(&self) -> &str {
        self.answer.trim()
    }

    /// The submitted file at `path`, or an error listing what was submitted instead.
    ///
    /// Paths match exactly after normalising `\` to `/` and dropping a leading `./` or `/`, so
    /// `"./out.csv"` finds `out.csv`. Paths are case-sensitive; the error suggests a file that
    /// differs only in case or sits in a sub-folder.
    pub fn file(&self, path: &str) -> Result<&File> {
        let wanted = normalize(path);
        if let Some(file) = self.find_file(&wanted) {
            return Ok(file);
        }
        Err(Error::new(self.missing_file_message(&wanted)))
    }

    /// The submitted file at `path`, if any (same matching as [`Submission::file`]).
    pub fn find_file(&self, path: &str) -> Option<&File> {
        let wanted = normalize(path);
        self.files.iter().find(|f| normalize(&f.path) == wanted)
    }

    /// Whether a file was submitted at `path`.
    pub fn has_file(&self, path: &str) -> bool {
        self.find_file(path).is_some()
    }

    /// The paths of the submitted files, in submission order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|f| f.path.as_str())
    }

    /// The file at `path` as UTF-8 text (a leading byte-order mark is dropped).
    pub fn text(&self, path: &str) -> Result<&str> {
        self.file(path)?.text()
    }

    /// The file at `path` parsed as JSON into `T` (a `serde` type, or [`crate::json::Value`]).
    #[cfg(feature = "json")]
    pub fn json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        crate::json::parse(self.text(path)?).map_err(|e| e.context(format!("`{path}`")))
    }

    /// The file at `path` parsed as TOML into `T` (a `serde` type, or
    /// [`crate::toml::Table`]).
    #[cfg(feature = "toml")]
    pub fn toml<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        crate::toml::parse(self.text(path)?).map_err(|e| e.context(format!("`{path}`")))
    }

    /// The file at `path` parsed as comma-separated values with a header row.
    #[cfg(feature = "csv")]
    pub fn csv(&self, path: &str) -> Result<crate::csv::Table> {
        crate::csv::Table::parse(self.text(path)?).map_err(|e| e.context(format!("`{path}`")))
    }

    fn missing_file_message(&self, wanted: &str) -> String {
        let mut message = format!("`{wanted}` is missing from the submission");
        let lower = wanted.to_lowercase();
        let base = wanted.rsplit('/').next().unwrap_or(wanted);
        if let Some(f) = self
            .files
            .iter()
            .find(|f| normalize(&f.path).to_lowercase() == lower)
        {
            message.push_str(&format!(
                " (found `{}`: file names are case-sensitive)",
                f.path
            ));
        } else if let Some(f) = self
            .files
            .iter()
            .find(|f| normalize(&f.path).rsplit('/').next() == Some(base))
        {
            message.push_str(&format!(" (found `{}`: submit it as `{wanted}`)", f.path));
        } else if self.files.is_empty() {
            message.push_str(" (no files were submitted)");
        } else {
            let names: Vec<String> = self
                .files
                .iter()
                .take(10)
                .map(|f| format!("`{}`", f.path))
                .collect();
            let more = if self.files.len() > 10 { ", …" } else { "" };
            message.push_str(&format!(" (submitted: {}{more})", names.join(", ")));
        }
        message.push('.');
        message
    }
}

impl File {
    /// A file with this path and content.
    pub fn new(path: impl Into<String>, content: impl Into<Vec<u8>>) -> Self {
        Self {
            path: path.into(),
            content: content.into(),
        }
    }

    /// The content as UTF-8 text, without a leading byte-order mark; the error names the file
    /// and where the first invalid byte is.
    pub fn text(&self) -> Result<&str> {
        let bytes = self
            .content
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&self.content);
        std::str::from_utf8(bytes).map_err(|e| {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            Error::new(format!(
                "`{}` is not UTF-8 text (invalid byte on line {line}); save it as UTF-8",
                self.path
            ))
        })
    }
}

/// `\` → `/`, and no leading `./` or `/`.
fn normalize(path: &str) -> String {
    let mut path = path.trim().replace('\\', "/");
    loop {
        if let Some(rest) = path.strip_prefix("./") {
            path = rest.to_owned();
        } else if let Some(rest) = path.strip_prefix('/') {
            path = rest.to_owned();
        } else {
            return path;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Submission {
        Submission::new("c", "t")
            .with_answer("  42\n")
            .with_file("out.csv", "a,b\n1,2\n")
            .with_file("results/Report.json", "{}")
            .with_file("bom.txt", b"\xEF\xBB\xBFhi".to_vec())
            .with_file("bin.dat", b"ok\n\xFF".to_vec())
    }

    #[test]
    fn answer_is_trimmed() {
        assert_eq!(sample().answer(), "42");
    }

    #[test]
    fn files_are_found_by_normalised_path() {
        let s = sample();
        assert!(s.has_file("./out.csv"));
        assert!(s.has_file("/out.csv"));
        assert!(s.has_file("results\\Report.json"));
        assert_eq!(s.text("out.csv"), Ok("a,b\n1,2\n"));
    }

    #[test]
    fn missing_files_get_helpful_errors() {
        let s = sample();
        let case = s.file("results/report.json").unwrap_err();
        assert!(case.message().contains("case-sensitive"), "{case}");
        let folder = s.file("Report.json").unwrap_err();
        assert!(
            folder.message().contains("found `results/Report.json`"),
            "{folder}"
        );
        let other = s.file("nope.txt").unwrap_err();
        assert!(other.message().contains("submitted: `out.csv`"), "{other}");
        let empty = Submission::new("c", "t").file("x").unwrap_err();
        assert!(empty.message().contains("no files"), "{empty}");
    }

    #[test]
    fn endpoints_are_found_by_name_or_asked_for() {
        let s = sample().with_endpoint("api", " https://team.example/ ");
        assert_eq!(s.endpoint("api"), Ok("https://team.example/"));
        assert_eq!(s.endpoints().len(), 1);
        let missing = s.endpoint("admin").unwrap_err();
        assert_eq!(
            missing.message(),
            "Set your team's endpoint `admin` in the workspace's Endpoints panel, then submit \
             again."
        );
        let blank = Submission::new("c", "t").with_endpoint("api", "");
        assert!(blank.endpoint("api").is_err());
    }

    #[test]
    fn text_drops_bom_and_reports_bad_utf8() {
        let s = sample();
        assert_eq!(s.text("bom.txt"), Ok("hi"));
        let err = s.text("bin.dat").unwrap_err();
        assert!(err.message().contains("line 2"), "{err}");
    }
}
